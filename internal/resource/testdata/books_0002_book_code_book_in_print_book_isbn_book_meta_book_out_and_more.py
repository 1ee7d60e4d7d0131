import datetime
import django.utils.timezone
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0001_initial"),
        ("books", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="book",
            name="code",
            field=models.UUIDField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="book",
            name="in_print",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="book",
            name="isbn",
            field=models.CharField(blank=True, max_length=13),
        ),
        migrations.AddField(
            model_name="book",
            name="meta",
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name="book",
            name="out",
            field=models.DateField(default=datetime.date.today),
        ),
        migrations.AddField(
            model_name="book",
            name="pages",
            field=models.IntegerField(db_index=True, default=0),
        ),
        migrations.AddField(
            model_name="book",
            name="price",
            field=models.DecimalField(
                decimal_places=2, default=Decimal("9.99"), max_digits=8
            ),
        ),
        migrations.AddField(
            model_name="book",
            name="seen",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="book",
            name="tags",
            field=models.ManyToManyField(
                blank=True, related_name="tags_books", to="authors.author"
            ),
        ),
    ]
