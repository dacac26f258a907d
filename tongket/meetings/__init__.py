"""Meetings of party committees, their attendees and conclusions, the tasks they assign, and
the sub-committees that prepare a congress."""
