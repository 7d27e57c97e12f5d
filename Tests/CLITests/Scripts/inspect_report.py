"""Opens a `belay report` HTML page in headless Chromium (the system browser, through
chromium-driver) and prints what a reader sees as JSON: the title, the timeline's bars with their
drawn sizes, the tables' rows, and whether the page asked the network for anything.

usage: inspect_report.py <report.html> <screenshot.png>
"""
import json
import sys

from selenium.webdriver.common.by import By

from headless import browser


def main(page, screenshot):
    driver = browser()
    try:
        driver.get("file://" + page)
        bars = []
        for bar in driver.find_elements(By.CSS_SELECTOR, "svg#timeline rect.bar"):
            size = bar.rect
            bars.append({
                "step": bar.get_attribute("data-step"),
                "outcome": bar.get_attribute("data-outcome"),
                "kind": (bar.get_attribute("class") or "").replace("bar", "").strip(),
                "width": size["width"],
                "height": size["height"],
                "visible": bar.is_displayed(),
            })
        tables = {}
        for table in driver.find_elements(By.CSS_SELECTOR, "table[id]"):
            rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
            tables[table.get_attribute("id")] = [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows]
        requests = []
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                url = message["params"]["request"]["url"]
                if not url.startswith(("file:", "data:")):
                    requests.append(url)
        driver.save_screenshot(screenshot)
        print(json.dumps({"title": driver.title, "bars": bars, "tables": tables, "network": requests}))
    finally:
        driver.quit()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
