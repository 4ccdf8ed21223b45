"""Mark view/copy requests whose period has ended as expired (第二十八条). Access never
depends on it (a grant's end is judged at every check); it keeps the requests' statuses and
the requesters' notifications current. Run it on a timer."""

from django.core.management.base import BaseCommand

from access.requests.workflow import access_requests_expire_due


class Command(BaseCommand):
    help = "将使用期限已过的调阅、复制申请置为已过期（第二十八条）"

    def handle(self, *args, **options):
        count = access_requests_expire_due()
        self.stdout.write(f"已置为过期：{count} 件")
