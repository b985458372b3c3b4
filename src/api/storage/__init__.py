"""Storage adapters: event recorders, the reporters' and tokens' tables, the SQLite write lock."""
