"""Load Morocco's 12 regions and 75 prefectures and provinces (shipped reference data)."""

from pathlib import Path

import yaml
from django.db import migrations

REGIONS = Path(__file__).resolve().parent.parent / "data" / "regions.yaml"


def load_regions(apps, schema_editor):
    Region = apps.get_model("investments", "Region")
    Province = apps.get_model("investments", "Province")
    data = yaml.safe_load(REGIONS.read_text(encoding="utf-8"))
    for item in data["regions"]:
        names = {k: item[k] for k in ("name_fr", "name_en", "name_ar")}
        region, _ = Region.objects.update_or_create(code=item["code"], defaults=names)
        for p in item["provinces"]:
            Province.objects.update_or_create(
                code=p["code"],
                defaults={"region": region, "kind": p["kind"], **{k: p[k] for k in ("name_fr", "name_en", "name_ar")}},
            )


class Migration(migrations.Migration):
    dependencies = [("investments", "0001_initial")]
    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
