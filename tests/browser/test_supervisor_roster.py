"""A supervisor imports a roster on a phone: the preview names each bad row; a clean one imports."""

from tests.support.browser import login, screenshot
from tests.support.factories import roster_bytes
from workflow.db import db
from workflow.demo.synthetic import Synth, wrong_check_digit


def test_preview_shows_row_problems_then_a_clean_file_imports(phone, live_app, backend, tmp_path):
    synth = Synth(77)
    good, other = synth.id_number(), synth.id_number()
    bad = tmp_path / "摸底名单.xlsx"
    bad.write_bytes(roster_bytes([
        ["张三", good, "绿苑小区楼院党支部", "13812345678", "是", "平原路1号"],
        ["李四", wrong_check_digit(other), "绿苑小区楼院党支部", "", "否", ""],
        ["王五", synth.id_number(), "不存在的支部", "1381234", "", ""],
    ]))
    login(phone, "lvyuan-supervisor")
    phone.goto("/supervisor/roster")
    phone.select_option("select[name=project]", index=1)
    phone.set_input_files("input[name=file]", str(bad))
    phone.click("button[type=submit].primary")
    phone.wait_for_load_state()
    assert phone.locator("#count-error").inner_text() == "有错误2行"
    assert phone.locator("li[data-row='3']").inner_text().count("身份证号校验位错误") == 1
    assert "手机号码无效" in phone.locator("li[data-row='4']").inner_text()
    assert phone.locator("text=确认导入").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "supervisor-roster-preview", backend)

    clean = tmp_path / "摸底名单-改正.xlsx"
    clean.write_bytes(roster_bytes([["张三", good, "绿苑小区楼院党支部", "13812345678", "是", "平原路1号"],
                                    ["李四", other, "绿苑小区楼院党支部", "", "否", ""]]))
    phone.click("a:has-text('重新上传')")
    phone.select_option("select[name=project]", index=1)
    phone.set_input_files("input[name=file]", str(clean))
    phone.click("button[type=submit].primary")
    phone.click("text=确认导入2人")
    phone.wait_for_load_state()
    assert phone.locator("#rows-added").inner_text() == "2"
    with live_app.app_context():
        from workflow.models import Case

        assert db.session.query(Case).count() == 2
        db.session.remove()
