#!/usr/bin/env python3
"""The README's first scenario (`iommu-twin demo`, virtio-iommu scene) from Python with grpcio.

Against a running `iommu-twin up` (intel-vtd host, 0000:01:00.0 free): a VM with a virtio-iommu,
the NIC assigned (EMULATED backend) and a virtio-net; the fds passed as libvirt does; boot-bypass
DMA; ATTACH and MAP; device DMA both ways; a DMA outside the mapping faulting on the host; UNMAP;
stop and delete; the host left as it was. Two calls fail on purpose, and their
google.rpc.ErrorInfo (trailer `grpc-status-details-bin`) is decoded and checked.

Exit 0 only if every check held. Stubs: generate them with gen.sh and put the output directory
on PYTHONPATH (or pass --stubs DIR).
"""
import argparse
import json
import os
import secrets
import sys
import tempfile

MiB = 1 << 20
NIC = "0000:01:00.0"
DOMAIN = 1
MAP_IOVA, MAP_SIZE, MAP_GPA = MiB, 64 * 1024, 16 * MiB
OUTSIDE_IOVA = 4 * MiB
BYPASS_GPA = 0x2000
O_RDWR = 2
VIRTIO_IOMMU_S_OK = 0
VIRTIO_IOMMU_MAP_F_READ, VIRTIO_IOMMU_MAP_F_WRITE = 1, 2


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1:50051", help="host-iommu address")
    p.add_argument("--vmm", default="127.0.0.1:50052", help="vmm address")
    p.add_argument("--tokens-dir", default=os.path.join(tempfile.gettempdir(), "iommu-twin"),
                   help="where `iommu-twin up` wrote its token files (its --state-dir)")
    p.add_argument("--host-tokens", help="host-iommu tokens file (default: in --tokens-dir)")
    p.add_argument("--vmm-tokens", help="vmm tokens file (default: in --tokens-dir)")
    p.add_argument("--stubs", help="directory of the generated stubs (default: PYTHONPATH)")
    p.add_argument("--vm-name", default="py-demo-" + secrets.token_hex(3))
    return p.parse_args()


def tokens_file(d, server, addr):
    # as writeTokensFile names them: <server>-<addr with every char but [0-9A-Za-z.] as _>.tokens.json
    safe = "".join(c if c.isalnum() or c == "." else "_" for c in addr)
    return os.path.join(d, f"{server}-{safe}.tokens.json")


def root_token(path):
    """The token of principal root in a tokens file ({"<token>": "<principal>"})."""
    with open(path, encoding="utf-8") as f:
        table = json.load(f)
    for token, principal in table.items():
        if principal == "root":
            return token
    raise SystemExit(f"scenario: no root token in {path}")


class Checks:
    def __init__(self):
        self.failed = []
        self.count = 0
        self.step_no = 0

    def step(self, title):
        self.step_no += 1
        print(f"\n{self.step_no:2d}. {title}", flush=True)

    def note(self, line):
        print(f"    {line}", flush=True)

    def expect(self, what, ok):
        self.count += 1
        print(f"    {'ok  ' if ok else 'FAIL'} {what}", flush=True)
        if not ok:
            self.failed.append(what)
        return ok


def main():
    a = parse_args()
    if a.stubs:
        sys.path.insert(0, a.stubs)
    import grpc
    from google.rpc import error_details_pb2, status_pb2
    from iommutwin.common.v1 import types_pb2 as common
    from iommutwin.host.v1 import platform_pb2, platform_pb2_grpc, process_pb2, process_pb2_grpc
    from iommutwin.vmm.v1 import guest_pb2, guest_pb2_grpc, types_pb2 as vmtypes, vmm_pb2, vmm_pb2_grpc

    host_token = root_token(a.host_tokens or tokens_file(a.tokens_dir, "host-iommu", a.host))
    vmm_token = root_token(a.vmm_tokens or tokens_file(a.tokens_dir, "vmm", a.vmm))

    def meta(token, pid=None):
        # what libs/rpc/client.ts sends: `authorization: Bearer <token>`, and `x-iommutwin-pid`
        # naming the acting process of a per-process call
        md = [("authorization", f"Bearer {token}")]
        if pid is not None:
            md.append(("x-iommutwin-pid", str(pid)))
        return md

    def error_info(e):
        """(status code name, ErrorInfo) of a failed call, from its grpc-status-details-bin trailer."""
        for k, v in e.trailing_metadata() or ():
            if k == "grpc-status-details-bin":
                st = status_pb2.Status.FromString(v)
                for d in st.details:
                    if d.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                        info = error_details_pb2.ErrorInfo()
                        d.Unpack(info)
                        return e.code().name, info
        return e.code().name, None

    host_ch = grpc.insecure_channel(a.host)
    vmm_ch = grpc.insecure_channel(a.vmm)
    proc = process_pb2_grpc.ProcessStub(host_ch)
    plat = platform_pb2_grpc.PlatformStub(host_ch)
    vmm = vmm_pb2_grpc.VmmStub(vmm_ch)
    guest = guest_pb2_grpc.GuestStub(vmm_ch)
    hmd = meta(host_token)
    vmd = meta(vmm_token)
    vm = a.vm_name
    c = Checks()
    created = deleted = False
    orchestrator = None
    print(f"python scenario against host-iommu {a.host} and vmm {a.vmm} (grpcio {grpc.__version__})")

    def dma(device, iova, length=0, data=None):
        req = guest_pb2.DmaRequest(vm=vm, device_id=device, iova=iova, length=len(data) if data else length,
                                   write=data is not None, data=data or b"")
        return guest.Dma(req, metadata=vmd, timeout=30)

    def viommu(**req):
        return guest.VirtioIommuRequest(guest_pb2.VirtioIommuRequestRequest(vm=vm, **req), metadata=vmd, timeout=30)

    def inspect(**target):
        return plat.Inspect(platform_pb2.InspectRequest(**target), metadata=hmd, timeout=30)

    try:
        c.step("Describe the host (Platform.Describe)")
        desc = plat.Describe(platform_pb2.DescribeRequest(), metadata=hmd, timeout=30)
        nic = next((d for d in desc.devices if d.bdf == NIC), None)
        c.note(f"host {desc.name} ({desc.arch}): units {', '.join(u.name for u in desc.units)}; {len(desc.devices)} PCI devices")
        if not c.expect(f"{NIC} exists, is bound to vfio-pci and has a VFIO cdev",
                        nic is not None and nic.driver == "vfio-pci" and nic.cdev != ""):
            return 1
        before = inspect(host=True)
        c.note(f"host pinned now: {before.pinned.bytes} bytes, {len(before.page_tables)} page tables")

        c.step(f"Create VM {vm} (Vmm.CreateVm): virtio-iommu, 256 MiB, {NIC} assigned (EMULATED), virtio-net")
        spec = vmtypes.VmSpec(
            name=vm, memory_bytes=256 * MiB, machine="q35",
            viommu=vmtypes.ViommuSpec(model=vmtypes.VIOMMU_MODEL_VIRTIO_IOMMU),
            iommufd_objects=[vmtypes.IommufdObjectSpec(id="iommufd0")],
            devices=[
                vmtypes.DeviceSpec(id="nic0", guest_bdf="0000:00:03.0", vfio=vmtypes.VfioDeviceSpec(
                    host_bdf=NIC, iommufd="iommufd0", backend=vmtypes.VFIO_BACKEND_EMULATED)),
                vmtypes.DeviceSpec(id="net0", guest_bdf="0000:00:04.0", virtio=vmtypes.VirtioDeviceSpec(
                    type=vmtypes.VIRTIO_DEVICE_TYPE_NET, access_platform=True)),
            ])
        info = vmm.CreateVm(vmm_pb2.CreateVmRequest(spec=spec), metadata=vmd, timeout=30).vm
        created = True
        pid = info.host_pid
        c.note(f"state {vmtypes.VmState.Name(info.state)}, host process pid {pid}")
        c.expect("the VM is DEFINED with a host process", info.state == vmtypes.VM_STATE_DEFINED and pid > 0)
        try:
            vmm.CreateVm(vmm_pb2.CreateVmRequest(spec=spec), metadata=vmd, timeout=30)
            c.expect("a second CreateVm of the same name fails", False)
        except grpc.RpcError as e:
            code, ei = error_info(e)
            c.note(f"expected failure: CreateVm again → {code} {ei.reason if ei else '(no ErrorInfo)'} (domain {ei.domain if ei else '-'})")
            c.expect("a second CreateVm fails with ALREADY_EXISTS and an ErrorInfo of domain iommutwin.dev",
                     code == "ALREADY_EXISTS" and ei is not None and ei.domain == "iommutwin.dev" and ei.reason != "")

        c.step("Start it as libvirt would: root opens the nodes, SendFd into the VM process, StartVm with passed_fds")
        orchestrator = proc.Spawn(process_pb2.SpawnRequest(name="py-scenario", lease_ms=600_000), metadata=hmd, timeout=30).pid
        omd = meta(host_token, orchestrator)
        passed = {}
        for obj, path in (("iommufd0", "/dev/iommu"), ("nic0", f"/dev/vfio/devices/{nic.cdev}")):
            fd = proc.Open(process_pb2.OpenRequest(path=path, flags=O_RDWR), metadata=omd, timeout=30).fd
            passed[obj] = proc.SendFd(process_pb2.SendFdRequest(fd=fd, target_pid=pid), metadata=omd, timeout=30).target_fd
            proc.Close(process_pb2.CloseRequest(fd=fd), metadata=omd, timeout=30)
            c.note(f"{path} → fd {passed[obj]} in pid {pid} (for {obj}); root's fd {fd} closed")
        try:
            proc.Close(process_pb2.CloseRequest(fd=fd), metadata=omd, timeout=30)
            c.expect("closing root's fd a second time fails", False)
        except grpc.RpcError as e:
            code, ei = error_info(e)
            errno = ei.metadata.get("errno") if ei else None
            c.note(f"expected failure: Close(fd {fd}) again → {code} {ei.reason if ei else '(no ErrorInfo)'} (errno {errno})")
            c.expect("the second Close fails with INVALID_ARGUMENT EBADF (errno 9)",
                     code == "INVALID_ARGUMENT" and ei is not None and ei.reason == "EBADF" and errno == "9")
        info = vmm.StartVm(vmm_pb2.StartVmRequest(name=vm, passed_fds=passed), metadata=vmd, timeout=30).vm
        nic0 = next(d for d in info.devices if d.id == "nic0")
        c.note(f"state {vmtypes.VmState.Name(info.state)}; nic0 endpoint {nic0.endpoint_id:#x}, backend {nic0.backend}, "
               f"iommufd fd {nic0.host.iommufd}, IOAS {list(nic0.host.ioas_ids)}")
        c.expect("the VM is RUNNING with the passed fds", info.state == vmtypes.VM_STATE_RUNNING
                 and nic0.host.iommufd == passed["iommufd0"] and nic0.host.device_fd == passed["nic0"])
        c.expect("nic0 uses the EMULATED backend with one IOAS", nic0.backend == "EMULATED" and len(nic0.host.ioas_ids) == 1)
        nic_obj = platform_pb2.IommufdObjectRef(pid=pid, fd=nic0.host.iommufd, id=nic0.host.ioas_ids[0])

        c.step("Boot bypass: the NIC reaches guest RAM identity-mapped (IOVA = GPA)")
        cfg = guest.VirtioIommuConfig(guest_pb2.VirtioIommuConfigRequest(vm=vm), metadata=vmd, timeout=30)
        msg = b"hello from python (bypass)"
        guest.WriteMemory(guest_pb2.WriteMemoryRequest(vm=vm, gpa=BYPASS_GPA, data=msg), metadata=vmd, timeout=30)
        r = dma("nic0", BYPASS_GPA, len(msg))
        c.note(f"config.bypass = {cfg.bypass}; nic0 DMA at IOVA {BYPASS_GPA:#x}: {r.WhichOneof('result')} {r.data!r}")
        c.expect("the device read exactly what the guest wrote", r.WhichOneof("result") == "data" and r.data == msg)

        c.step(f"The guest driver: features, ATTACH nic0 to domain {DOMAIN}, MAP IOVA {MAP_IOVA:#x}+{MAP_SIZE:#x} → GPA {MAP_GPA:#x}")
        feat = guest.VirtioIommuSetFeatures(guest_pb2.VirtioIommuSetFeaturesRequest(vm=vm, driver_features=cfg.device_features), metadata=vmd, timeout=30)
        att = viommu(attach=guest_pb2.AttachReq(domain=DOMAIN, endpoint=nic0.endpoint_id))
        mp = viommu(map=guest_pb2.MapReq(domain=DOMAIN, virt_start=MAP_IOVA, virt_end=MAP_IOVA + MAP_SIZE - 1, phys_start=MAP_GPA,
                                         flags=VIRTIO_IOMMU_MAP_F_READ | VIRTIO_IOMMU_MAP_F_WRITE))
        ins = inspect(iommufd_object=nic_obj)
        c.note(f"FEATURES_OK {feat.features_ok}; ATTACH status {att.status}; MAP status {mp.status}; host areas "
               + "; ".join(f"[{x.iova:#x}, {x.last:#x}] {x.pinned_pages} pages pinned" for x in ins.areas))
        c.expect("FEATURES_OK, ATTACH and MAP S_OK", feat.features_ok and att.HasField("status") and att.status == VIRTIO_IOMMU_S_OK
                 and mp.HasField("status") and mp.status == VIRTIO_IOMMU_S_OK)
        c.expect("one host area at the guest IOVA, 64 KiB pinned", len(ins.areas) == 1 and ins.areas[0].iova == MAP_IOVA
                 and ins.areas[0].last == MAP_IOVA + MAP_SIZE - 1 and ins.pinned.bytes == MAP_SIZE)

        c.step("Device DMA through the mapping: the guest writes, the NIC reads; the NIC writes, the guest reads")
        gdata = b"guest data for the NIC"
        guest.WriteMemory(guest_pb2.WriteMemoryRequest(vm=vm, gpa=MAP_GPA + 16, data=gdata), metadata=vmd, timeout=30)
        r = dma("nic0", MAP_IOVA + 16, len(gdata))
        wdata = b"written by the device"
        w = dma("nic0", MAP_IOVA + 0x100, data=wdata)
        back = guest.ReadMemory(guest_pb2.ReadMemoryRequest(vm=vm, gpa=MAP_GPA + 0x100, length=len(wdata)), metadata=vmd, timeout=30)
        c.note(f"nic0 read {r.data!r}; wrote {w.written} bytes; the guest reads {back.data!r}")
        c.expect("the NIC read the guest's bytes", r.WhichOneof("result") == "data" and r.data == gdata)
        c.expect("the device write landed in guest RAM", w.WhichOneof("result") == "written" and back.data == wdata)

        c.step(f"A DMA outside the mapping (IOVA {OUTSIDE_IOVA:#x}) faults on the host")
        f = dma("nic0", OUTSIDE_IOVA, 4)
        kind = f.WhichOneof("result")
        reason = common.DmaFaultReason.Name(f.host_fault.reason) if kind == "host_fault" else "-"
        c.note(f"nic0 at IOVA {OUTSIDE_IOVA:#x}: {kind} {reason} at {f.host_fault.addr:#x} ({f.host_fault.unit})")
        c.expect("a host TRANSLATION fault at that IOVA", kind == "host_fault" and reason == "DMA_FAULT_REASON_TRANSLATION"
                 and f.host_fault.addr == OUTSIDE_IOVA)

        c.step("UNMAP: the host mapping and its pins go, no stale translation")
        un = viommu(unmap=guest_pb2.UnmapReq(domain=DOMAIN, virt_start=MAP_IOVA, virt_end=MAP_IOVA + MAP_SIZE - 1))
        after = dma("nic0", MAP_IOVA + 16, len(gdata))
        ins = inspect(iommufd_object=nic_obj)
        c.note(f"UNMAP status {un.status}; nic0 at IOVA {MAP_IOVA + 16:#x}: {after.WhichOneof('result')}; "
               f"{len(ins.areas)} areas, {ins.pinned.bytes} bytes pinned")
        c.expect("UNMAP S_OK and the DMA now faults on the host", un.HasField("status") and un.status == VIRTIO_IOMMU_S_OK
                 and after.WhichOneof("result") == "host_fault")
        c.expect("no areas and 0 bytes pinned", len(ins.areas) == 0 and ins.pinned.bytes == 0)

        c.step("Stop and delete the VM; the host is back where it was")
        vmm.StopVm(vmm_pb2.StopVmRequest(name=vm), metadata=vmd, timeout=30)
        stopped = vmm.GetVm(vmm_pb2.GetVmRequest(name=vm), metadata=vmd, timeout=30).vm
        vmm.DeleteVm(vmm_pb2.DeleteVmRequest(name=vm), metadata=vmd, timeout=30)
        deleted = True
        vms = vmm.ListVms(vmm_pb2.ListVmsRequest(), metadata=vmd, timeout=30).vms
        after_host = inspect(host=True)
        c.note(f"after StopVm: {vmtypes.VmState.Name(stopped.state)}; {len(vms)} VM(s) listed; host pinned "
               f"{after_host.pinned.bytes} bytes (before: {before.pinned.bytes}), {len(after_host.page_tables)} page tables")
        c.expect("stopped, then gone", stopped.state == vmtypes.VM_STATE_STOPPED and all(v.spec.name != vm for v in vms))
        c.expect("pinned bytes and page tables as before", after_host.pinned.bytes == before.pinned.bytes
                 and len(after_host.page_tables) == len(before.page_tables))
    except grpc.RpcError as e:
        code, ei = error_info(e)
        c.expect(f"unexpected failure: {code} {ei.reason if ei else ''}: {e.details()}", False)
    finally:
        if created and not deleted:
            try:
                vmm.DeleteVm(vmm_pb2.DeleteVmRequest(name=vm), metadata=vmd, timeout=30)
            except grpc.RpcError:
                pass
        if orchestrator is not None:
            try:
                proc.Exit(process_pb2.ExitRequest(pid=orchestrator), metadata=hmd, timeout=30)
            except grpc.RpcError:
                pass
        host_ch.close()
        vmm_ch.close()

    if c.failed:
        print(f"\nscenario: {len(c.failed)} of {c.count} checks failed: {'; '.join(c.failed)}")
        return 1
    print(f"\nscenario: all {c.count} checks held in {c.step_no} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
