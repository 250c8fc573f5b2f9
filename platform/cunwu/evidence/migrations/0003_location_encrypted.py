"""A kept photo location is personal data (whereabouts): store it encrypted, as "lat,lon" text."""

import cunwu.pii.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_evidence_immutable")]

    operations = [
        migrations.RemoveField(model_name="evidencefile", name="location"),
        migrations.AddField(
            model_name="evidencefile",
            name="location",
            field=cunwu.pii.fields.EncryptedTextField(blank=True, default="", verbose_name="拍摄位置"),
            preserve_default=False,
        ),
    ]
