"""The what-if page's parts: the policies to try, uploaded ones kept for a while, the
page's inputs, and the cases whose milestone status a candidate policy changes."""
