"""The tamper-evident access log (第二十四条 调阅监督, 第二十八条).

Modules: canonical (the exact bytes a line's hash covers), chain (checking the chains),
checkpoint_format and offline (signed checkpoints, checked outside with the public key
alone) need no Django; models, services (``access_log_write``), selectors (the auditor's
filter and CSV), verify, checkpoints, lines and signals are the Django side.
This package imports nothing on its own, so that ``python -m access.log.offline`` runs
without Django.
"""
