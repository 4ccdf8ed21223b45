"""Requests to view (调阅) or copy (复制) enforcement records, routed through approval
(第二十八条, 第二十九条).

- models.py: the request, the records it names, its approval steps, notifications and the
  legal office's versions of the routing table;
- routing.py: the one function that computes a request's approval chain (the form's preview
  and the submit both call it);
- workflow.py: the state machine (submit, approve, reject, return, resubmit, withdraw, expire);
- granting.py: the grant of exactly what was approved, on final approval;
- viewing.py: who may open the online viewer of an approved request (the page itself is
  records', settings.ACCESS_REQUEST_VIEWER);
- packages.py: taking a copy package (built by records, settings.ACCESS_COPY_PACKAGE_BUILDER);
- notify.py: in-portal notifications and e-mail, sent after commit;
- selectors.py, forms.py, views.py, urls.py: the pages.
"""
