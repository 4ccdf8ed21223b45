"""manage.py export_access_log_checkpoint: sign every lane's head now and export it.

The JSON document, with the public key (``--public-key-out``), is what someone outside
needs to check a later log export: ``python -m access.log.offline``.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from access.log.checkpoint_format import CheckpointKeyError, public_key_pem
from access.log.checkpoints import (
    access_log_checkpoint_create, access_log_signing_key, checkpoint_json,
)
from access.log.models import AccessLogCheckpoint


class Command(BaseCommand):
    help = "为访问日志各通道的末端生成一个 Ed25519 签名检查点并导出为 JSON（第二十四条）。"

    def add_arguments(self, parser):
        parser.add_argument("--out", metavar="FILE", help="write the JSON here (default: stdout)")
        parser.add_argument("--number", type=int,
                            help="export the stored checkpoint with this number instead of "
                                 "making a new one")
        parser.add_argument("--public-key-out", metavar="FILE",
                            help="also write the public key (PEM) that checks the signature")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            key = access_log_signing_key()
        except CheckpointKeyError as error:
            raise CommandError(str(error)) from error
        if options["number"] is not None:
            checkpoint = AccessLogCheckpoint.objects.using(options["database"]).filter(
                number=options["number"]).first()
            if checkpoint is None:
                raise CommandError(f"没有编号为 {options['number']} 的检查点")
            document = checkpoint.document
        else:
            checkpoint = access_log_checkpoint_create(using=options["database"])
            document = checkpoint_json(checkpoint.document_data)
        if options["public_key_out"]:
            with open(options["public_key_out"], "w", encoding="ascii") as handle:
                handle.write(public_key_pem(key.public_key()))
        if options["out"]:
            with open(options["out"], "w", encoding="utf-8") as handle:
                handle.write(document + "\n")
            self.stderr.write(f"检查点 {checkpoint.number} 已写入 {options['out']}")
        else:
            self.stdout.write(document)
