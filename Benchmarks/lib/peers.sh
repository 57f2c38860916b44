# Benchmarks/lib/peers.sh: one function per client, sourced by Benchmarks/run.sh.
#
# peer_NAME sets CMD (the command measured; it runs in $RUN) and SETTINGS (one line for the table) from
# DIR (the data set), SET, PREFIX (the run's key prefix, ends in '/'), RUN (a fresh directory), SERVER
# (http://127.0.0.1:PORT), BUCKET, REGION, C (requests in flight), PART (bytes), PART_H (e.g. 8MiB), and
# F × P (files × parts per file, C in all, for clients with two levels of concurrency). Writing config
# files here is setup and is not measured.

# The limit: every raw file PUT unsigned, C transfers at once over reused connections.
peer_curl() {
  local path size parts
  while IFS=$'\t' read -r path size parts; do
    printf 'upload-file = "%s"\nurl = "%s"\noutput = "/dev/null"\n' "$DIR/$path" "$SERVER/$BUCKET/$PREFIX$path"
  done <"$WORK/$SET.files.tsv" >"$RUN/curl.cfg"
  CMD=(curl -sS --no-progress-meter --fail -H "Expect:" --parallel --parallel-immediate --parallel-max "$C" -K "$RUN/curl.cfg")
  SETTINGS="$C transfers, whole files"
}

# The limit when a file is bigger than what one stream carries: files of at least PART go up as unsigned
# multipart from pre-cut part files (initiate, all parts in parallel with the small files, complete-all).
peer_curl_parts() {
  local path size parts n
  : >"$RUN/whole.cfg"
  : >"$RUN/multipart.tsv"
  while IFS=$'\t' read -r path size parts; do
    if ((parts == 0)); then
      printf 'upload-file = "%s"\nurl = "%s"\noutput = "/dev/null"\n' "$DIR/$path" "$SERVER/$BUCKET/$PREFIX$path" \
        >>"$RUN/whole.cfg"
      continue
    fi
    for ((n = 1; n <= parts; n++)); do
      printf 'upload-file = "%s.p%05d"\nurl = "%s?partNumber=%d&uploadId=UPLOAD_ID"\noutput = "/dev/null"\n' \
        "$WORK/$SET.parts/$path" "$n" "$SERVER/$BUCKET/$PREFIX$path" "$n"
    done >"$RUN/$path.parts.cfg"
    printf '%s\t%s\n' "$SERVER/$BUCKET/$PREFIX$path" "$RUN/$path.parts.cfg" >>"$RUN/multipart.tsv"
  done <"$WORK/$SET.files.tsv"
  cat >"$RUN/curl-parts.sh" <<EOF
set -euo pipefail
cp whole.cfg all.cfg
: >uploads.txt
while IFS=\$'\\t' read -r url cfg; do
  id=\$(curl -sS --fail -X POST "\$url?uploads" | sed -n 's:.*<UploadId>\\([^<]*\\)</UploadId>.*:\\1:p')
  sed "s/UPLOAD_ID/\$id/" "\$cfg" >>all.cfg
  echo "\$url?uploadId=\$id" >>uploads.txt
done <multipart.tsv
curl -sS --no-progress-meter --fail -H "Expect:" --parallel --parallel-immediate --parallel-max $C -K all.cfg
while read -r url; do curl -sS --fail -o /dev/null -X POST -H "x-oss-complete-all: yes" "\$url"; done <uploads.txt
EOF
  CMD=(bash "$RUN/curl-parts.sh")
  SETTINGS="$C transfers, $PART_H parts"
}

# ossbatch itself: a generated manifest (design/manifest.md, version 1), a fresh checkpoint dir and report.
peer_ossbatch() {
  cat >"$RUN/manifest.yaml" <<EOF
version: 1
target:
  endpoint: $SERVER
  region: $REGION
  bucket: $BUCKET
  addressing: path
upload:
  concurrency: $C
  part_size: $PART_H
  multipart_threshold: $PART_H
  checkpoint_dir: $RUN/checkpoints
files:
  - source: $DIR/
    key_prefix: $PREFIX
EOF
  CMD=("$OSSBATCH" run "$RUN/manifest.yaml" --report "$RUN/report.json" --quiet)
  SETTINGS="$C requests, $PART_H parts"
}

sdk_peer() { # SDK
  CMD=(python3 "$LIB/sdk_upload.py" "$1" --endpoint "$SERVER" --bucket "$BUCKET" --prefix "$PREFIX" --src "$DIR"
    --part-size "$PART" --files "$F" --threads "$P" --checkpoint-dir "$RUN/checkpoints" --region "$REGION")
  SETTINGS="$F files × $P parts, V4"
}
peer_oss2() { sdk_peer oss2; }   # oss2.resumable_upload from a thread pool of files
peer_ossv2() { sdk_peer ossv2; } # alibabacloud-oss-v2 Uploader.upload_file, checkpoints on

# rclone's s3 backend: provider Other with path style (provider Alibaba forces virtual-host style, i.e.
# DNS names under 127.0.0.1); --s3-no-head skips reading each object back, --s3-disable-checksum the MD5
# pass over each multipart source before its upload. AWS_CA_BUNDLE, if set, breaks its SDK before any request.
peer_rclone() {
  cat >"$RUN/rclone.conf" <<EOF
[bench]
type = s3
provider = Other
access_key_id = $OSS_ACCESS_KEY_ID
secret_access_key = $OSS_ACCESS_KEY_SECRET
endpoint = $SERVER
region = $REGION
force_path_style = true
EOF
  CMD=(env -u AWS_CA_BUNDLE rclone --config "$RUN/rclone.conf" copy "$DIR" "bench:$BUCKET/${PREFIX%/}" -q
    --transfers "$F" --s3-upload-concurrency "$P" --s3-chunk-size "${PART}B" --s3-upload-cutoff "${PART}B"
    --s3-no-head --s3-disable-checksum --s3-no-check-bucket --retries 1)
  SETTINGS="$F transfers × $P parts"
}

# aws s3 cp --recursive. payload_signing_enabled=false: over plain http botocore would otherwise SHA-256
# every body (it does not over https, and the OSS SDKs send UNSIGNED-PAYLOAD). botocore keeps its default
# CRC32 per request; AWS_CHECKSUMS=when_required turns that off (request_checksum_calculation).
peer_aws() {
  cat >"$RUN/aws.cfg" <<EOF
[default]
region = $REGION
${AWS_CHECKSUMS:+request_checksum_calculation = $AWS_CHECKSUMS}
s3 =
    max_concurrent_requests = $C
    multipart_threshold = $PART
    multipart_chunksize = $PART
    addressing_style = path
    payload_signing_enabled = false
EOF
  CMD=(env AWS_CONFIG_FILE="$RUN/aws.cfg" AWS_SHARED_CREDENTIALS_FILE=/dev/null
    AWS_ACCESS_KEY_ID="$OSS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$OSS_ACCESS_KEY_SECRET"
    aws --endpoint-url "$SERVER" s3 cp "$DIR" "s3://$BUCKET/$PREFIX" --recursive --only-show-errors --no-progress)
  SETTINGS="$C requests, $PART_H parts"
}
