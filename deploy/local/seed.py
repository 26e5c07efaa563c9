"""`make up`: submit a few synthetic job descriptions through the gateway and wait until they are
searchable, printing each one's stages and trace id."""

import os
import sys
import time

import httpx

from jdi_samples import generate_job_description

GATEWAY = f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8000')}"
SAMPLES = [generate_job_description(seed, language) for seed, language in ((1, "en"), (2, "en"), (3, "fr"), (4, "en"))]
TIMEOUT_S = 180


def main() -> int:
    headers = {"X-API-Key": os.environ["JDI_API_KEY"]}
    with httpx.Client(base_url=GATEWAY, headers=headers, timeout=30) as client:
        submitted = []
        for number, sample in enumerate(SAMPLES, start=1):
            file_name = f"sample-{number}-{sample.language}.txt"
            response = client.post("/v1/documents", files={"file": (file_name, sample.text.encode(), "text/plain")})
            response.raise_for_status()
            submitted.append((file_name, response.json()["document_id"]))
        deadline = time.monotonic() + TIMEOUT_S
        pending = dict(submitted)
        while pending and time.monotonic() < deadline:
            for file_name, document_id in list(pending.items()):
                document = client.get(f"/v1/documents/{document_id}").json()
                if document["status"] in {"complete", "rejected"}:
                    print(
                        f"{file_name:22} {document['status']:9} {document['classification'] or '-':6} "
                        f"trace {document['trace_id']}  {document['title']}"
                    )
                    del pending[file_name]
            time.sleep(0.5)
        for file_name in pending:
            print(f"{file_name:22} still in progress after {TIMEOUT_S}s", file=sys.stderr)
    return 1 if pending else 0


if __name__ == "__main__":
    sys.exit(main())
