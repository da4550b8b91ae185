"""The public Digitalmonitor: ``/monitor`` (German HTML) and ``/open/monitor.json``."""
