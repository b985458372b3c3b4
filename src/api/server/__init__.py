"""`propdesk serve`'s processes: workers, follower, parent-death watch, garbage collector."""
