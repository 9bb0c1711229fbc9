/**
 * The vmm's glue around the SMMUv3 model (viommu/smmuv3/) that needs nothing of the VM manager:
 * the plug-time checks of an assigned device behind an SMMUv3, the interrupt items of its wired
 * lines, and the fault an emulated device's DMA reports. vmm.ts builds the unit, routes MMIO
 * and DMA through it and plugs devices through the accel backend (backends/smmu-accel.ts).
 *
 * Facts: shared/reference/smmuv3-and-migration.md §A.12; vmm-viommu-semantics.md §2.3;
 * QEMU hw/arm/smmuv3.c (smmuv3_notify_flag_changed) and smmuv3-accel.c
 * (smmuv3_accel_check_hw_compatible).
 */
import type { HostDevice, HostUnit } from '../hostlink/hostlink.js';
import { SMMU_IRQ_SPI, type SmmuIrq } from '../viommu/smmuv3/types.js';
import type { Smmuv3Settings, VfioDeviceConfig } from './config.js';
import { formatRanges, overlapsRam, type RamRange } from './guest-ram.js';

/**
 * The guest's ITS doorbell on virt: GITS_TRANSLATER of the ITS at VIRT_GIC_ITS 0x0808_0000
 * (translation frame +0x1_0000, register +0x40), QEMU's msi-gpa for accel.
 */
export const VIRT_GITS_TRANSLATER = 0x0809_0040n;

/** IDR field extraction (QEMU FIELD_EX32 with smmuv3-common.h positions). */
const idrField = (w: number, shift: number, len: number): number => (w >>> shift) & ((1 << len) - 1);
/** IDR5.OAS encodings → bits (QEMU smmuv3_oas_bits). */
const OAS_BITS = [32, 36, 40, 42, 44, 48, 52, 56] as const;

export interface SmmuPlugViolation {
  rule: string;
  detail: string;
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/**
 * Whether an assigned device can sit behind this SMMUv3 on this host: every violation, each
 * with QEMU's text where QEMU has one.
 *
 *  - no accel: QEMU's emulated SMMUv3 refuses the MAP notifier VFIO registers
 *    (smmuv3_notify_flag_changed): the architecture has no caching mode, so the guest's new
 *    mappings are never announced and no shadow can follow them;
 *  - EMULATED: refused for the same reason, accel or not (NESTED is the only backend);
 *  - accel: the host unit must be an SMMUv3 that nests (a vIOMMU of type ARM_SMMUV3 and
 *    IOMMU_HWPT_DATA_ARM_SMMUV3 nested HWPTs); then smmuv3_accel_check_hw_compatible on its ID
 *    registers: SSIDSIZE, RIL, OAS and the granules (the twin asks the guest's granules to be
 *    host granules; QEMU asks equality with its fixed all-three set), and ATS when the guest
 *    advertises it;
 *  - reserved regions (twin's rule, SMMUV3.md): the NEST_PARENT stage 2 maps guest RAM at
 *    IPA = GPA, so no host reserved region of the device may overlap guest RAM; and the host's
 *    stage 2 maps the physical MSI doorbell only inside its SW_MSI window, so the guest's
 *    doorbell (GITS_TRANSLATER, which the guest maps in its stage 1 as Linux's MSI cookie
 *    does) must lie inside that window.
 */
export function smmuPlugViolations(cfg: Smmuv3Settings, ram: readonly RamRange[], d: VfioDeviceConfig, hd: HostDevice, unit: HostUnit): SmmuPlugViolation[] {
  const out: SmmuPlugViolation[] = [];
  const add = (rule: string, detail: string) => out.push({ rule, detail });
  const [, busHex, devHex, fnText] = /^[0-9a-f]{4}:([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/.exec(d.guestBdf) ?? [];
  if (!cfg.accel) {
    add('accel', `device ${busHex}.${devHex}.${fnText} requires iommu MAP notifier which is not currently supported (arm-smmuv3 without accel=on: the SMMUv3 has no caching mode, so the guest's new mappings are never announced; set accel=on for the NESTED backend)`);
  }
  if (d.backend === 'EMULATED') {
    add('backend', 'EMULATED cannot back a device behind an SMMUv3: the architecture has no caching mode (a guest makes STEs, CDs and mappings valid without any invalidation), so a shadow cannot follow the guest; use NESTED (accel=on)');
  }
  if (!cfg.accel) return out;
  const kind = unit.type.replace('IOMMU_TYPE_', '');
  if (unit.type !== 'IOMMU_TYPE_ARM_SMMUV3') {
    add('nesting', `accel=on installs the guest's STEs on a host SMMUv3 vIOMMU, and host unit ${unit.name} of ${d.hostBdf} is ${kind}`);
    return out;
  }
  if (!unit.nesting) {
    add('nesting', `host unit ${unit.name} of ${d.hostBdf} cannot nest (no stage 1 under a vIOMMU: IOMMU_VIOMMU_TYPE_ARM_SMMUV3, IOMMU_HWPT_DATA_ARM_SMMUV3): accel=on needs it`);
  }
  const idr = unit.smmuIdr;
  // IDR1.SSIDSIZE [10:6]; without the ID registers the unit's PASID width says the same
  const hostSsid = idr ? idrField(idr[1]!, 6, 5) : unit.pasidBits;
  if (hostSsid < cfg.ssidsize) add('ssidsize', `Host SMMUv3 SSIDSIZE not compatible (host=${hostSsid}, QEMU=${cfg.ssidsize})`);
  if (!idr) {
    add('hw info', `host unit ${unit.name} is described without its SMMUv3 ID registers (IOMMU_GET_HW_INFO): OAS, granules, RIL and ATS cannot be checked against the guest's`);
  } else {
    // IDR3.RIL [10]
    if (cfg.ril && idrField(idr[3]!, 10, 1) === 0) add('ril', "Host SMMUv3 doesn't support Range Invalidation");
    // IDR5.OAS [2:0]
    const hostOas = OAS_BITS[idrField(idr[5]!, 0, 3)]!;
    if (hostOas < cfg.oas) add('oas', `Host SMMUv3 supports only ${hostOas}-bit IPA, but the vSMMU OAS implies ${cfg.oas}-bit IPA`);
    // IDR5.GRAN4K [4], GRAN16K [5], GRAN64K [6]
    const grans: Array<[boolean, number, string]> = [
      [cfg.granules.g4k, 4, '4K'],
      [cfg.granules.g16k, 5, '16K'],
      [cfg.granules.g64k, 6, '64K'],
    ];
    for (const [wanted, bit, name] of grans) if (wanted && idrField(idr[5]!, bit, 1) === 0) add('granule', `Host SMMUv3 doesn't support ${name} translation granule`);
    // IDR0.ATS [10]
    if (cfg.ats && idrField(idr[0]!, 10, 1) === 0) add('ats', `the vSMMU advertises ATS (ats=on) and host unit ${unit.name} has none (IDR0.ATS = 0)`);
  }
  const hostResv = hd.reservedRegions.filter((r) => r.type !== 'RESERVED_REGION_TYPE_DIRECT_RELAXABLE');
  for (const r of hostResv) {
    if (overlapsRam(ram, r.start, r.last)) {
      add('reserved region', `host reserved region [${hex(r.start)}, ${hex(r.last)}] (${r.type.replace('RESERVED_REGION_TYPE_', '')}) of ${d.hostBdf} lies inside guest RAM ${formatRanges(ram)}, which the NEST_PARENT stage 2 maps at IPA = GPA`);
    }
  }
  const swMsi = hostResv.filter((r) => r.type === 'RESERVED_REGION_TYPE_SW_MSI');
  if (swMsi.length > 0 && !swMsi.some((r) => r.start <= VIRT_GITS_TRANSLATER && VIRT_GITS_TRANSLATER + 3n <= r.last)) {
    add('msi window', `the guest's ITS doorbell (GITS_TRANSLATER ${hex(VIRT_GITS_TRANSLATER)}, mapped by the guest in stage 1) is outside the host's SW_MSI window${swMsi.length > 1 ? 's' : ''} ${swMsi.map((r) => `[${hex(r.start)}, ${hex(r.last)}]`).join(', ')} of ${d.hostBdf}, where alone the host's stage 2 maps the physical doorbell`);
  }
  return out;
}

/** A pulse of one of the SMMU's wired lines as a Guest.Events item (GIC SPI, no MSI address). */
export function smmuInterrupt(irq: SmmuIrq): { kind: 'interrupt'; source: string; msiAddr: bigint; msiData: number } {
  return { kind: 'interrupt', source: irq.source, msiAddr: 0n, msiData: SMMU_IRQ_SPI[irq.source] };
}

/** An SMMUv3 translation fault an emulated device saw (Guest.Dma). */
export interface SmmuDmaFault {
  /** EVT_* id; 0 = aborted without an event */
  eventId: number;
  sid: number;
  address: bigint;
  write: boolean;
  ssid?: number;
  /** the record reached the guest's EVTQ */
  recorded: boolean;
  /** the 32-byte record (empty without an event) */
  record: Uint8Array;
}
