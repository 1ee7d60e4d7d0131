import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0002_author_favourite"),
        ("books", "0002_book_code_book_in_print_book_isbn_book_meta_book_out_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="book",
            name="editor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="editor_books",
                to="authors.author",
            ),
        ),
    ]
