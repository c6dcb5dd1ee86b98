"""Load version 1 of the three schemes shipped in ``analytics/data/schemes.yaml`` (FDII 2015, Charter 2022, SME 2025)."""

from importlib import resources

import yaml
from django.db import migrations


def load_schemes(apps, schema_editor):
    from ecosys.analytics.incentive_schemes import scheme_from_mapping
    from ecosys.incentives.services import rules_to_json

    Scheme = apps.get_model("incentives", "Scheme")
    SchemeVersion = apps.get_model("incentives", "SchemeVersion")
    text = resources.files("ecosys.analytics").joinpath("data/schemes.yaml").read_text(encoding="utf-8")
    for key, raw in yaml.safe_load(text).items():
        if Scheme.objects.filter(key=key).exists():
            continue
        rules = rules_to_json(raw)
        parsed = scheme_from_mapping(key, rules)
        scheme = Scheme.objects.create(key=key, name=rules["name"])
        SchemeVersion.objects.create(
            scheme=scheme,
            number=1,
            valid_from=parsed.valid_from.value,
            valid_to=parsed.valid_to.value,
            rules=rules,
            note="shipped with Ecosys",
        )


class Migration(migrations.Migration):
    dependencies = [("incentives", "0001_initial")]
    operations = [migrations.RunPython(load_schemes, migrations.RunPython.noop)]
