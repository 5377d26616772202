"""Risk questions answered "not known" are kept on the episode (``Episode.indicators_not_known``).

Until now the report asked each risk question as a box ticked for yes, so "no" and "not known" looked the
same. Existing episodes keep their meaning: a question in ``indicators`` (ticked) is yes, and any other
question (unticked) is no; none is recorded as not known, because the old form could not say it. Nothing
is rewritten: the new list starts empty on every existing row.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("episodes", "0007_ukmpu_notice"),
    ]

    operations = [
        migrations.AddField(
            model_name="episode",
            name="indicators_not_known",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Risk questions answered 'not known': gaps to fill (a ticked question is in indicators)",
            ),
        ),
    ]
