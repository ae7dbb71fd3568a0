#!/usr/bin/python3
"""deploy/'s own consistency rules, which no schema knows: the Dockerfile copies what the build
and the jar's manifest need, ports agree between configs, Dockerfile, compose and manifests, and
the Kubernetes objects wire the security context, probes, secrets and etcd together.
Usage: structure.py REPO_ROOT [DEPLOY_DIR]  (DEPLOY_DIR defaults to REPO_ROOT/deploy)."""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

import yaml

POM = "{http://maven.apache.org/POM/4.0.0}"
problems = []


def need(cond, msg):
    if not cond:
        problems.append(msg)


def port(listen):
    return int(str(listen).rsplit(":", 1)[1])


def dockerfile_rules(root, deploy):
    text = open(os.path.join(deploy, "Dockerfile"), encoding="utf-8").read()
    lines = re.sub(r"\\\n", " ", text).splitlines()
    instr = [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if len(l.split(None, 1)) > 1 else "")
             for l in lines if l.strip() and not l.lstrip().startswith("#")]
    stages = [i for i, (k, _) in enumerate(instr) if k == "FROM"]
    need(len(stages) >= 2, "Dockerfile: a build stage and a runtime stage expected")
    runtime = instr[stages[-1]:] if stages else []
    for k, arg in instr:
        if k == "COPY" and "--from=" not in arg:
            srcs = [a for a in arg.split() if not a.startswith("--")][:-1]
            for s in srcs:
                need(glob.glob(os.path.join(root, s)), f"Dockerfile: COPY source {s} does not exist")
    copies = " ".join(a for k, a in instr if k == "COPY")
    modules = [m.text for m in ET.parse(os.path.join(root, "pom.xml")).getroot().iter(POM + "module")]
    for m in modules:
        need(f"{m}/pom.xml" in copies and f"{m}/src" in copies, f"Dockerfile: module {m} (parent pom) not copied")
    proxy = ET.parse(os.path.join(root, "proxy/pom.xml")).getroot()
    final = proxy.find(f"{POM}build/{POM}finalName").text
    prefix = next(proxy.iter(POM + "classpathPrefix")).text.rstrip("/")
    workdir = next((a for k, a in runtime if k == "WORKDIR"), "")
    jar = f"{workdir}/{final}.jar"
    rcopies = [a for k, a in runtime if k == "COPY"]
    need(any(f"proxy/target/{final}.jar" in a and (a.split()[-1] in (f"./{final}.jar", jar)) for a in rcopies),
         f"Dockerfile: runtime stage must copy proxy/target/{final}.jar to {jar}")
    need(any(f"proxy/target/{prefix}" in a and a.split()[-1] in (f"./{prefix}", f"{workdir}/{prefix}") for a in rcopies),
         f"Dockerfile: runtime stage must copy the manifest's Class-Path dir {prefix}/ beside the jar")
    entry = next((a for k, a in runtime if k == "ENTRYPOINT"), "")
    need(f'"{jar}"' in entry and entry.startswith('["java"'), f"Dockerfile: ENTRYPOINT must be exec-form java -jar {jar}")
    user = next((a for k, a in runtime if k == "USER"), "")
    need(re.fullmatch(r"[1-9]\d*(:\d+)?", user.strip()) is not None, f"Dockerfile: USER must be a numeric non-root uid, got '{user}'")
    hc = next((a for k, a in runtime if k == "HEALTHCHECK"), "")
    need("/health/live" in hc and ":9100/" in hc, "Dockerfile: HEALTHCHECK must GET /health/live on the admin port 9100")
    exposed = {int(p.split("/")[0]) for k, a in runtime if k == "EXPOSE" for p in a.split()}
    image_cfg = yaml.safe_load(open(os.path.join(deploy, "tokengate.image.yaml"), encoding="utf-8"))
    want = {port(image_cfg["listen"]), 9443, 9100}
    if "admin" in image_cfg:
        want.add(port(image_cfg["admin"]["listen"]))
    need(exposed == want, f"Dockerfile: EXPOSE {sorted(exposed)} must be the listeners' ports {sorted(want)}")
    need(any(k == "VOLUME" and image_cfg["dataDir"] in a for k, a in runtime),
         f"Dockerfile: VOLUME must hold the image config's dataDir {image_cfg['dataDir']}")
    cmd = next((a for k, a in runtime if k == "CMD"), "")
    need("/etc/tokengate/tokengate.yaml" in cmd and "deploy/tokengate.image.yaml /etc/tokengate/tokengate.yaml" in copies,
         "Dockerfile: the default config /etc/tokengate/tokengate.yaml must be copied and passed with --config")


def compose_rules(deploy):
    c = yaml.safe_load(open(os.path.join(deploy, "compose.yaml"), encoding="utf-8"))
    s = c["services"]
    need("ports" not in s["minio"], "compose: minio must not publish ports")
    cfg = yaml.safe_load(open(os.path.join(deploy, "tokengate.compose.yaml"), encoding="utf-8"))
    need(cfg["backend"]["endpoint"] == "http://minio:9000", "compose: backend.endpoint must be http://minio:9000")
    pub = {p.rsplit(":", 1)[-1]: p for p in s["tokengate"]["ports"]}
    for name in ("listen",):
        need(str(port(cfg[name])) in pub, f"compose: container port {port(cfg[name])} ({name}) not published")
    for block in ("tls", "admin"):
        if block in cfg:
            need(str(port(cfg[block]["listen"])) in pub, f"compose: {block}.listen port not published")
    need(pub.get("9100", "").startswith("127.0.0.1:"), "compose: the admin port 9100 must be bound to 127.0.0.1")
    need(s["tokengate"]["depends_on"]["minio"]["condition"] == "service_healthy", "compose: tokengate must wait for a healthy minio")
    need(any(v.startswith("tokengate-data:") for v in s["tokengate"]["volumes"]), "compose: tokengate-data volume missing")
    config = s["tokengate"]["command"][s["tokengate"]["command"].index("--config") + 1]
    need(any(v.endswith(":" + os.path.dirname(config) + ":ro") for v in s["tokengate"]["volumes"]),
         f"compose: the directory of --config {config} must be mounted read-only")
    render = s["tokengate-config"]["command"]
    need(render[-1] == config, f"compose: tokengate-config must write {config}, writes {render[-1]}")


def k8s_rules(deploy):
    kdir = os.path.join(deploy, "kubernetes")
    kust = yaml.safe_load(open(os.path.join(kdir, "kustomization.yaml"), encoding="utf-8"))
    listed = set(kust["resources"])
    present = {os.path.basename(f) for f in glob.glob(os.path.join(kdir, "*.yaml"))} - {"kustomization.yaml"}
    need(listed == present, f"kustomization.yaml resources {sorted(listed)} must be the directory's files {sorted(present)}")
    objs = {}
    for f in sorted(present):
        for d in yaml.safe_load_all(open(os.path.join(kdir, f), encoding="utf-8")):
            if d:
                objs[(d["kind"], d["metadata"]["name"])] = d
    dep = objs[("Deployment", "tokengate")]
    need(dep["spec"]["replicas"] >= 2, "Deployment: at least 2 replicas")
    pod = dep["spec"]["template"]["spec"]
    need(pod["securityContext"].get("runAsNonRoot") is True, "Deployment: pod runAsNonRoot")
    need(pod["securityContext"].get("seccompProfile", {}).get("type") == "RuntimeDefault", "Deployment: seccompProfile RuntimeDefault")
    cm = objs[("ConfigMap", "tokengate-config")]
    cfg = yaml.safe_load(cm["data"]["tokengate.yaml"])
    writable = {cfg["dataDir"], "/tmp"}
    volumes = {v["name"]: v for v in pod["volumes"]}
    for c in pod.get("initContainers", []) + pod["containers"]:
        sc = c.get("securityContext", {})
        need(sc.get("allowPrivilegeEscalation") is False and sc.get("readOnlyRootFilesystem") is True
             and sc.get("capabilities", {}).get("drop") == ["ALL"],
             f"Deployment: container {c['name']} needs allowPrivilegeEscalation false, readOnlyRootFilesystem, drop ALL")
        need("limits" in c.get("resources", {}) and "requests" in c.get("resources", {}), f"Deployment: {c['name']} resources")
        for m in c.get("volumeMounts", []):
            need(m["name"] in volumes, f"Deployment: {c['name']} mounts unknown volume {m['name']}")
        mounted = {m["mountPath"] for m in c.get("volumeMounts", []) if not m.get("readOnly")}
        if c in pod["containers"]:
            need(writable <= mounted, f"Deployment: {c['name']} needs writable mounts for {sorted(writable - mounted)}")
        for e in c.get("env", []):
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                sec = objs.get(("Secret", ref["name"]))
                need(sec is not None and ref["key"] in sec.get("stringData", sec.get("data", {})),
                     f"Deployment: env {e['name']} refers to missing Secret key {ref['name']}/{ref['key']}")
    for v in volumes.values():
        if "configMap" in v:
            need(("ConfigMap", v["configMap"]["name"]) in objs, f"Deployment: volume {v['name']}: ConfigMap missing")
        if "secret" in v:
            need(("Secret", v["secret"]["secretName"]) in objs, f"Deployment: volume {v['name']}: Secret missing")
    main = pod["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in main["ports"]}
    need(ports.get("s3") == port(cfg["listen"]), "Deployment: port s3 must be the config's listen port")
    for block, name in (("tls", "https"), ("admin", "admin")):
        if block in cfg:
            need(ports.get(name) == port(cfg[block]["listen"]), f"Deployment: port {name} must be the config's {block}.listen port")
    need(ports.get("admin") == 9100, "Deployment: admin port 9100")
    for probe, path in (("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live")):
        g = main.get(probe, {}).get("httpGet", {})
        need(g.get("path") == path and g.get("port") in ("admin", 9100), f"Deployment: {probe} must GET {path} on the admin port")
    admin_mount = [m for m in main["volumeMounts"] if m["mountPath"] == cfg["dataDir"].rstrip("/") + "/admin.yaml"]
    need(admin_mount and volumes[admin_mount[0]["name"]].get("secret"), "Deployment: dataDir/admin.yaml must come from a Secret (shared admin)")
    # The state engine: etcd, every member of the StatefulSet listed through its headless Service.
    need(cfg["state"]["engine"] == "etcd", "ConfigMap: replicas need state.engine etcd")
    sts = objs[("StatefulSet", "etcd")]
    svc = objs[("Service", sts["spec"]["serviceName"])]
    need(svc["spec"].get("clusterIP") == "None", "etcd Service must be headless")
    client_port = next(p["port"] for p in svc["spec"]["ports"] if p["name"] == "client")
    want = {f"http://etcd-{i}.{svc['metadata']['name']}:{client_port}" for i in range(sts["spec"]["replicas"])}
    need(set(cfg["state"]["endpoints"]) == want, f"ConfigMap: state.endpoints must be {sorted(want)}")
    args = " ".join(sts["spec"]["template"]["spec"]["containers"][0]["args"])
    for i in range(sts["spec"]["replicas"]):
        need(f"etcd-{i}=http://etcd-{i}.{svc['metadata']['name']}." in args, f"etcd: --initial-cluster must name etcd-{i}")
    tsvc = objs[("Service", "tokengate")]
    need({p["targetPort"] for p in tsvc["spec"]["ports"]} <= set(ports), "Service tokengate: targetPorts must be named container ports")


def main():
    root = os.path.abspath(sys.argv[1])
    deploy = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.join(root, "deploy")
    for rules in (lambda: dockerfile_rules(root, deploy), lambda: compose_rules(deploy), lambda: k8s_rules(deploy)):
        try:
            rules()
        except (KeyError, TypeError, StopIteration, AttributeError, IndexError) as e:
            problems.append(f"structure: missing or malformed element: {type(e).__name__} {e}")
    for p in problems:
        print(p)
    print(f"structure: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
