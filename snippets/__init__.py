"""Example code of the site. Each module teaches one topic; pages embed its sections.

A section is a run of lines between a start marker and an end marker comment (see any module,
and the README). Pages include a section by file and name, never by line numbers. Every section
that a page shows as a copyable block runs alone in a fresh interpreter (imports included).
"""
