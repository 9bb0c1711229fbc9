export type BenchResult = {
  name: string;
  metrics: Record<string, number>;
  limit: Record<string, number>;
  ratio: Record<string, number>;
  notes?: string[];
};
