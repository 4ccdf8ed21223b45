"""What happens when the legal office approves a draft (WAGTAIL_FINISH_WORKFLOW_ACTION).

Kept free of imports: Wagtail imports it while its own models load.
"""


def publish_approved(workflow_state, user=None):
    """Publish the approved revision. The approval by the legal office (法规处审核) is the
    authority to publish: the reviewers hold no publish permission of their own, so no draft
    goes live without the approval. A draft with a future go-live date is scheduled."""
    workflow_state.content_object.get_latest_revision().publish(
        user=user, skip_permission_checks=True
    )
