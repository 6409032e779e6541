"""The spreadsheet format of the admin's import and export."""

from import_export.formats.base_formats import XLSX

from reform.xlsx import dataset_to_xlsx


class SafeXLSX(XLSX):
    """XLSX written by our one writer: text stays text (no formulas), styled for print."""

    def export_data(self, dataset, **kwargs):
        return dataset_to_xlsx(dataset)


FORMATS = [SafeXLSX]
