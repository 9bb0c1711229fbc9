export {
  Iotlb,
  translate,
  newWalkOut,
  newTranslateOut,
  MIN_PAGE_SHIFT,
  MAX_PAGE_SHIFT,
  TRANSLATE_HIT,
  type Walker,
  type WalkOut,
  type TranslateOut,
  type IotlbEntry,
  type IotlbStats,
} from './iotlb.js';
