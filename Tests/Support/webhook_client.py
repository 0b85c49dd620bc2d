"""Posts to Mitreden's response webhook, signing independently of Mitreden's code.

Usage: python3 webhook_client.py PORT SECRET WEBHOOK_ID TIMESTAMP_OFFSET BODY_FILE [tamper]
Prints {"status": …, "body": …} as JSON. TIMESTAMP_OFFSET shifts the timestamp in seconds;
'tamper' changes the body after signing.
"""
import base64, hashlib, hmac, http.client, json, sys, time

port, secret, webhook_id, offset, body_file = sys.argv[1:6]
body = open(body_file, "rb").read()
timestamp = str(int(time.time()) + int(offset))
key = base64.b64decode(secret[len("whsec_"):])
signature = base64.b64encode(hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()).decode()
if len(sys.argv) > 6 and sys.argv[6] == "tamper":
    body = body.replace(b"15-17", b"18-21")
connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
connection.request("POST", "/hooks/responses", body=body, headers={
    "Content-Type": "application/json", "webhook-id": webhook_id, "webhook-timestamp": timestamp,
    "webhook-signature": "v1,bm90IHRoaXMgb25l v1," + signature,
})
response = connection.getresponse()
print(json.dumps({"status": response.status, "type": response.getheader("Content-Type"), "body": response.read().decode()}))
