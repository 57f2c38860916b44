#!/usr/bin/env python3
"""Upload a directory with one official OSS Python SDK, as its documentation shows (a benchmark peer).

    sdk_upload.py oss2|ossv2 --endpoint URL --bucket B --prefix P --src DIR --part-size BYTES
                  --files F --threads T --checkpoint-dir DIR [--region R]

Each regular file under --src goes to PREFIX + its path relative to --src. F files are uploaded at once
from a thread pool, each with T threads on its parts (at most F × T requests in flight); files of at
least one part size go multipart with checkpoints, smaller ones in one PutObject. Signature V4.
Credentials: OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET. Only the SDK under test is imported.
"""
import argparse
import concurrent.futures
import os


def files_under(src):
    for root, dirs, names in os.walk(src):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(root, name)
            yield path, os.path.relpath(path, src).replace(os.sep, "/")


def oss2_upload(a, key_id, secret):
    import oss2

    # oss2's session pool holds 10 connections by default; more threads than that would each open a
    # fresh connection per request, so size the pool to the requests in flight.
    oss2.defaults.connection_pool_size = max(10, a.files * a.threads)
    bucket = oss2.Bucket(oss2.AuthV4(key_id, secret), a.endpoint, a.bucket, region=a.region)
    store = oss2.ResumableStore(root=a.checkpoint_dir)
    return lambda path, key: oss2.resumable_upload(bucket, key, path, store=store, part_size=a.part_size,
                                                   multipart_threshold=a.part_size, num_threads=a.threads)


def ossv2_upload(a, key_id, secret):
    import alibabacloud_oss_v2 as oss

    cfg = oss.config.load_default()
    cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(key_id, secret)
    cfg.region, cfg.endpoint, cfg.use_path_style = a.region, a.endpoint, True
    # The uploader keeps its checkpoints in dirname(checkpoint_dir); the trailing separator makes that
    # the directory itself.
    uploader = oss.Client(cfg).uploader(part_size=a.part_size, parallel_num=a.threads, enable_checkpoint=True,
                                        checkpoint_dir=os.path.join(a.checkpoint_dir, ""))
    return lambda path, key: uploader.upload_file(oss.PutObjectRequest(bucket=a.bucket, key=key), filepath=path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sdk", choices=["oss2", "ossv2"])
    for k in ("endpoint", "bucket", "src", "checkpoint-dir"):
        p.add_argument("--" + k, required=True)
    p.add_argument("--prefix", default="")
    p.add_argument("--region", default="cn-hangzhou")
    p.add_argument("--part-size", type=int, default=8 << 20)
    p.add_argument("--files", type=int, default=4)
    p.add_argument("--threads", type=int, default=4)
    a = p.parse_args()
    os.makedirs(a.checkpoint_dir, exist_ok=True)
    make = oss2_upload if a.sdk == "oss2" else ossv2_upload
    upload = make(a, os.environ["OSS_ACCESS_KEY_ID"], os.environ["OSS_ACCESS_KEY_SECRET"])
    jobs = [(path, a.prefix + rel) for path, rel in files_under(a.src)]
    with concurrent.futures.ThreadPoolExecutor(max(1, a.files)) as pool:
        for done in [pool.submit(upload, path, key) for path, key in jobs]:
            done.result()  # the first failure ends the run with its traceback


if __name__ == "__main__":
    main()
