export {
  Iotlb,
  translate,
  newWalkOut,
  newTranslateOut,
  MIN_PAGE_SHIFT,
  MAX_PAGE_SHIFT,
  type Walker,
  type WalkOut,
  type TranslateOut,
  type IotlbEntry,
  type IotlbStats,
} from './iotlb.js';
