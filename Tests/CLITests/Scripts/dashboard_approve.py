"""Opens a run's page of the `belay serve` dashboard in headless Chromium (the system browser,
through chromium-driver), as a person would: watches the run go live without reloading the page,
types a name, clicks Approve when the run waits, watches it complete, and saves a screenshot.
Then rolls the run back to its first phase from the page (dry run shown, then confirmed). Prints
what it saw as JSON.

usage: dashboard_approve.py <base-url> <run> <token> <approver> <screenshot.png>
"""
import json
import sys
import time

from selenium.webdriver.common.by import By

from headless import browser

LIMIT = 90  # seconds, for each wait: a bound, not a measurement


def wait_for(what, check):
    deadline = time.time() + LIMIT
    while time.time() < deadline:
        try:
            found = check()
            if found:
                return found
        except Exception:  # the live part is being swapped: look again
            pass
        time.sleep(0.1)
    raise SystemExit("gave up waiting for " + what)


def main(base, run, token, approver, screenshot):
    driver = browser("1200,1000")
    seen = []
    try:
        driver.get(base + "/")
        runs = [row.get_attribute("data-run") for row in driver.find_elements(By.CSS_SELECTOR, "#runs tbody tr[data-run]")]
        driver.get(base + "/runs/" + run + "#token=" + token)
        driver.execute_script("window.loadedOnce = true;")

        def status():
            text = driver.find_element(By.ID, "status").text
            if not seen or seen[-1] != text:
                seen.append(text)
            return text

        wait_for("the approval", lambda: status() == "waiting_approval" and driver.find_elements(By.ID, "approve"))
        question = wait_for("the question", lambda: driver.find_element(By.CSS_SELECTOR, "#approval .question").text)
        driver.find_element(By.ID, "approver").send_keys(approver)

        def approve():
            # The live part may be swapped between two looks: fill in and click again then.
            driver.execute_script("document.getElementById('approval-comment').value = arguments[0];",
                                  "looks good from the browser")
            driver.find_element(By.ID, "approve").click()
            return True

        wait_for("a click on Approve", approve)
        wait_for("completion", lambda: status() == "completed")
        bars = wait_for("the timeline", lambda: [
            {"step": bar.get_attribute("data-step"), "kind": bar.get_attribute("data-kind"),
             "outcome": bar.get_attribute("data-outcome"), "width": bar.rect["width"]}
            for bar in driver.find_elements(By.CSS_SELECTOR, "svg#timeline rect.bar")
        ])
        approvals = wait_for("the approvals", lambda: [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
                                                       for row in driver.find_elements(By.CSS_SELECTOR, "#approvals tbody tr")])
        outside = []
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                url = message["params"]["request"]["url"]
                if not url.startswith((base, "data:")):
                    outside.append(url)
        driver.save_screenshot(screenshot)
        # Roll back to the first phase: the dry run is shown first, then confirmed.
        wait_for("a rollback button", lambda: driver.find_elements(By.CSS_SELECTOR, "button[data-to='build']"))
        wait_for("a click on roll back", lambda: driver.find_element(By.CSS_SELECTOR, "button[data-to='build']").click() or True)
        plan = wait_for("the dry run", lambda: driver.find_element(By.ID, "rollback").is_displayed()
                        and driver.find_element(By.ID, "rollback-plan").text)
        status_before_confirm = wait_for("the status", status)
        driver.find_element(By.ID, "rollback-confirm").click()
        wait_for("the rollback", lambda: status() == "rolled_back")
        print(json.dumps({
            "plan": plan, "status_before_confirm": status_before_confirm,
            "runs": runs, "seen": seen, "question": question, "bars": bars, "approvals": approvals,
            "same_page": driver.execute_script("return window.loadedOnce === true;"),
            "message": driver.find_element(By.ID, "message").text, "outside": outside,
        }))
    finally:
        driver.quit()


if __name__ == "__main__":
    main(*sys.argv[1:6])
