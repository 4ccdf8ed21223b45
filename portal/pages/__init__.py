"""Wagtail page models of the rules area: the regulation (rules.py), the interactive rule
guide (guide.py), the audio/video checklist (checklist.py) and the wording guide
(wording.py). portal.models imports them so that Django finds them in the portal app."""
