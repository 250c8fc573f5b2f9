from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="org_path",
            field=models.CharField(blank=True, db_index=True, max_length=200, verbose_name="所属组织"),
        ),
    ]
