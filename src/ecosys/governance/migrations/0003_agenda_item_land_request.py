"""An agenda item points at a land request (a foreign key) instead of carrying its number as text.

Numbers written before are matched to the land requests of the same reference; the others are
kept at the end of the item's title, so nothing said in a meeting is lost.
"""

import django.db.models.deletion
from django.db import migrations, models


def link_land_requests(apps, schema_editor):
    AgendaItem = apps.get_model("governance", "AgendaItem")
    LandRequest = apps.get_model("land", "LandRequest")
    for item in AgendaItem.objects.exclude(reference=""):
        found = LandRequest.objects.filter(reference=item.reference.strip()).first()
        if found is not None:
            item.land_request = found
        else:
            item.title = f"{item.title} ({item.reference})"[:300]
        item.save(update_fields=["land_request", "title"])


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_agendaitem_application_and_more"),
        ("land", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="agendaitem",
            name="land_request",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="land.landrequest",
                verbose_name="land request",
            ),
        ),
        migrations.AddField(
            model_name="historicalagendaitem",
            name="land_request",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="land.landrequest",
                verbose_name="land request",
            ),
        ),
        migrations.RunPython(link_land_requests, migrations.RunPython.noop),
        migrations.RemoveField(model_name="agendaitem", name="reference"),
        migrations.RemoveField(model_name="historicalagendaitem", name="reference"),
    ]
