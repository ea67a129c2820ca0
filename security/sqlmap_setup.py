"""Sets up the member security/sqlmap scans as: registers, confirms the email from the .eml file
the forum wrote, signs in and starts a topic. Prints "cookie header|topic id|post id"."""

import glob
import http.cookiejar
import quopri
import re
import sys
import time
import urllib.parse
import urllib.request

base, mail_dir = sys.argv[1], sys.argv[2]
jar = http.cookiejar.CookieJar()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def request(path, fields=None):
    data = urllib.parse.urlencode(fields).encode() if fields is not None else None
    try:
        response = opener.open(base + path, data)
    except urllib.error.HTTPError as e:
        response = e
    return response.status, response.headers.get("Location", ""), response.read().decode()


def form_token(path):
    return re.search(r'name="csrf" value="([^"]+)"', request(path)[2]).group(1)


page = request("/register")[2]
version = re.search(r'name="rules_version" value="(\d+)"', page).group(1)
email = "scanner@example.org"
request("/register", {"csrf": form_token("/register"), "email": email, "display_name": "Scan Sam",
                      "password": "quiet harbour at dawn", "accept_rules": "yes", "rules_version": version})
link = None
for _ in range(100):
    for name in glob.glob(mail_dir + "/*.eml"):
        text = quopri.decodestring(open(name, "rb").read()).decode(errors="replace")
        found = re.search(r"https?://[^\s\"<>]+(/verify-email/[A-Za-z0-9]+)", text)
        if found and email in text:
            link = found.group(1)
    if link:
        break
    time.sleep(0.1)
assert link, "no confirmation email"
request(link)
status, _, _ = request("/login", {"csrf": form_token("/login"), "email": email, "password": "quiet harbour at dawn"})
assert status == 303, status
status, location, body = request("/g/hub/new", {"csrf": form_token("/g/hub/new"), "title": "Questions for my appointment",
                                                 "body": "What should I ask at my first screening appointment?"})
assert status == 303, (status, body[:500])
topic = re.search(r"/t/(\d+)", location).group(1)
post = re.search(r'id="p(\d+)"', request(f"/t/{topic}")[2]).group(1)
cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
print(f"{cookie}|{topic}|{post}")
