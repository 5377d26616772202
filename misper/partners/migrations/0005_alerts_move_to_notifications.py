# The alerts outbox and webhook subscriptions move to misper.notifications (its 0001_initial). The tables
# stay where they are, under their old names: this only takes them out of partners' state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0004_placement_end'),
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Alert'),
                migrations.DeleteModel(name='Subscription'),
            ],
            database_operations=[],
        ),
    ]
