"""`manage.py rotate_field_keys`: re-seal stored ID and bank numbers under the current field key."""

from django.core.management.base import BaseCommand

from nuanjia.people.services import reencrypt_personal_numbers


class Command(BaseCommand):
    help = (
        "Re-encrypt every ID and bank number still sealed under an old key with the current key "
        "(the first of NUANJIA_FIELD_KEYS). Safe to stop and run again. Drop the old key only "
        "after a run that moved nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        counts = reencrypt_personal_numbers(batch_size=batch_size)
        for column, count in counts.items():
            self.stdout.write(f"{column}: {count} re-encrypted")
        self.stdout.write(
            self.style.SUCCESS(f"done: {sum(counts.values())} values now under the current key")
        )
