from django.core.management.base import BaseCommand

from tasks.documents.demo import add_demo, remove_demo


class Command(BaseCommand):
    help = (
        "Adds example reports (示例数据) dated within 2023 on the 2023 绿建区 plan, or removes "
        "them with --remove; the seed itself stays as the documents say."
    )

    def add_arguments(self, parser):
        parser.add_argument("--remove", action="store_true", help="remove the example reports")

    def handle(self, *args, remove, **options):
        if remove:
            self.stdout.write(f"删除示例报告 {remove_demo()} 份。")
        else:
            self.stdout.write(f"添加示例报告 {add_demo()} 份（均标注“示例数据”）。")
