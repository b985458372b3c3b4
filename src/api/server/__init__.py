"""The processes of `propdesk serve`: workers, the read-model follower, the parent-death watch."""
