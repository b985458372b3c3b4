"""Output on a terminal shared by the command line and the server: consoles and progress."""
