"""The ``pvp-cds`` command line: on top of the service and the development tools.

It may import both; neither imports it. ``serve`` loads only the service package.
"""
