"""The commands a visitor may send from the console: forms made from the commands'
declarations, and what happens when one is sent."""
