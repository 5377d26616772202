# The alerts outbox and webhook subscriptions move here from partners. Their tables keep their names
# (partners_alert, partners_subscription), so this only changes Django's state: no data moves.

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('episodes', '0001_initial'),
        ('people', '0001_initial'),
        ('partners', '0004_placement_end'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Subscription',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('url', models.URLField(max_length=500)),
                        ('secret', models.CharField(max_length=200)),
                        ('events', models.JSONField(default=list)),
                        ('active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='subscriptions', to='accounts.agency')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'partners_subscription',
                    },
                ),
                migrations.CreateModel(
                    name='Alert',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('delivery_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ('event', models.CharField(max_length=60)),
                        ('event_key', models.CharField(help_text='Identifies the event, for de-duplication', max_length=120)),
                        ('channel', models.CharField(choices=[('inbox', 'In-app inbox'), ('email', 'E-mail'), ('webhook', 'Webhook')], max_length=10)),
                        ('target', models.CharField(blank=True, help_text='Channel address: webhook subscription id, e-mail address or user id', max_length=300)),
                        ('payload', models.JSONField()),
                        ('status', models.CharField(choices=[('pending', 'Waiting to send'), ('delivered', 'Delivered'), ('acknowledged', 'Acknowledged'), ('failed', 'Failed, will retry'), ('dead', 'Gave up')], default='pending', max_length=14)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('next_attempt_at', models.DateTimeField()),
                        ('last_error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField()),
                        ('delivered_at', models.DateTimeField(blank=True, null=True)),
                        ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                        ('acknowledged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='acknowledged_alerts', to=settings.AUTH_USER_MODEL)),
                        ('child', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='people.child')),
                        ('episode', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='episodes.episode')),
                        ('recipient_agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='accounts.agency')),
                        ('recipient_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                        ('subscription', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='notifications.subscription')),
                    ],
                    options={
                        'db_table': 'partners_alert',
                        'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='partners_al_status_9513b1_idx')],
                        'constraints': [models.UniqueConstraint(fields=('event_key', 'recipient_agency', 'channel', 'target'), name='alert_once_per_event_recipient')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
