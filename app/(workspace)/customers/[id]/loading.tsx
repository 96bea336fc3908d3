import { SkeletonList } from "@/components/ui/skeleton";

export default function Loading() {
  return <SkeletonList rows={4} label="Loading this customer" />;
}
