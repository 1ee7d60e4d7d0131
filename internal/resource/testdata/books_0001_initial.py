import datetime
import django.db.models.deletion
import django.utils.timezone
import uuid
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("authors", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Book",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("title", models.CharField(max_length=255)),
                (
                    "isbn",
                    models.CharField(blank=True, max_length=13, null=True, unique=True),
                ),
                ("body", models.TextField(blank=True, default="it's")),
                ("count", models.IntegerField(db_index=True, default=-5)),
                ("big", models.BigIntegerField(blank=True, null=True)),
                (
                    "price",
                    models.DecimalField(
                        decimal_places=2, default=Decimal("9.50"), max_digits=8
                    ),
                ),
                ("ratio", models.FloatField(default=1e16)),
                ("ratio2", models.FloatField(default=0.0001)),
                ("flag", models.BooleanField(default=False)),
                ("published", models.DateField(default=datetime.date.today)),
                ("day", models.DateField(default=datetime.date(2024, 1, 2))),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("email", models.EmailField(max_length=254, unique=True)),
                ("site", models.URLField(blank=True)),
                ("key", models.UUIDField(default=uuid.uuid4, unique=True)),
                ("slug", models.SlugField(unique=True)),
                ("slug2", models.SlugField()),
                ("data", models.JSONField(default=dict)),
                ("data2", models.JSONField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("atags", models.ManyToManyField(blank=True, to="books.book")),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="author_books",
                        to="authors.author",
                    ),
                ),
                (
                    "authors",
                    models.ManyToManyField(
                        related_name="authors_books", to="authors.author"
                    ),
                ),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="books",
                        to="books.book",
                    ),
                ),
                (
                    "zeta",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="zeta_books",
                        to="authors.author",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
    ]
