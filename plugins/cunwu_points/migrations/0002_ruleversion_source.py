"""Where a rules version came from (the county's pack or the village's own revision).

Versions made before this migration are labelled from their 公示: one posted by the plugin's system account
came from the pack, one posted by a person is a village revision. ``pack_sha256`` is then filled in
version order, a revision carrying over the pack table it revised.
"""

from django.db import migrations, models

SYSTEM_USERNAME = "system-points"  # cunwu_points.actors.SYSTEM_USERNAME, frozen here


def label_existing(apps, schema_editor):
    RuleVersion = apps.get_model("cunwu_points", "RuleVersion")
    Notice = apps.get_model("disclosure", "Notice")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="cunwu_points", model="ruleversion").first()
    revised = set()
    if content_type is not None:
        revised = {
            int(subject_id)
            for subject_id in Notice.objects.filter(subject_type=content_type, kind="points_rules")
            .exclude(posted_by__username=SYSTEM_USERNAME)
            .values_list("subject_id", flat=True)
        }
    pack_sha256: dict[int | None, str] = {}
    for version in RuleVersion.objects.order_by("village_id", "number"):
        if version.pk in revised:
            version.source = "village"
        else:
            pack_sha256[version.village_id] = version.sha256
        version.pack_sha256 = pack_sha256.get(version.village_id, "")
        version.save(update_fields=["source", "pack_sha256"])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("cunwu_points", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="ruleversion",
            name="pack_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="ruleversion",
            name="source",
            field=models.CharField(
                choices=[("pack", "县政策包"), ("village", "村积分制执行组修订")],
                default="pack",
                max_length=10,
                verbose_name="来源",
            ),
        ),
        migrations.RunPython(label_existing, migrations.RunPython.noop),
    ]
