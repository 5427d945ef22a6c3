from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import Length


class CsvUploadForm(FlaskForm):
    file = FileField(_l("CSV file"), render_kw={"accept": ".csv,text/csv"})
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[Length(max=2000)])
