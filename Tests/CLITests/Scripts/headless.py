"""The headless Chromium the browser tests share: the system browser through chromium-driver,
with its network log kept, so a test can tell whether a page fetched anything from elsewhere."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def browser(size="1200,900"):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=" + size):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
