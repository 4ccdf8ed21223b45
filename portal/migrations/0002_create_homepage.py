"""Replace Wagtail's welcome page with the portal's Chinese home page, as Wagtail's own
project template does, so that `/` answers in Chinese on a fresh database."""

from django.db import migrations

HOME_TITLE = "行政执法全过程记录"
HOME_INTRO = (
    "依据《郑州市城乡建设局行政执法全过程记录制度》，对执法程序启动、调查取证、审核决定、"
    "送达执行、归档管理等全过程进行文字和音像记录。"
)


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("portal.HomePage")

    page_type = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=page_type, slug="home", depth=2).delete()
    if HomePage.objects.exists():
        return
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="portal")
    locale = Locale.objects.filter(language_code="zh-hans").first() or Locale.objects.first()
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title=HOME_TITLE,
        draft_title=HOME_TITLE,
        intro=HOME_INTRO,
        slug="home",
        content_type=home_type,
        path=root.path + "0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.filter(is_default_site=True).delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True,
        site_name="郑州市城乡建设局 行政执法全过程记录",
    )


def remove_homepage(apps, schema_editor):
    HomePage = apps.get_model("portal.HomePage")
    HomePage.objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
