"""Conformance tests: manifest, hacs.json, translations, icons and the quality scale.

They read the integration's files and source (with `ast`) and check what hassfest,
the HACS action and core's quality-scale checkers would check, since none of those
run on a custom integration by themselves.
"""
