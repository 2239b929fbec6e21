/**
 * What the report area shows while a new period loads: the same blocks at the
 * same sizes as the real cards, chart and table, so nothing jumps when the data
 * arrives.
 */
import { BlockStack, Card, InlineGrid, SkeletonBodyText, SkeletonDisplayText } from "@shopify/polaris";

import { ChartPlaceholder } from "./sales-chart";

export function ReportSkeleton() {
  return (
    <BlockStack gap="400">
      <span role="status" style={{ position: "absolute", width: 1, height: 1, overflow: "hidden", clip: "rect(0, 0, 0, 0)" }}>
        Loading the report…
      </span>
      <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="400">
        {Array.from({ length: 8 }, (_, i) => (
          <Card key={i}>
            <BlockStack gap="200">
              <SkeletonBodyText lines={1} />
              <SkeletonDisplayText size="medium" />
              <SkeletonBodyText lines={1} />
            </BlockStack>
          </Card>
        ))}
      </InlineGrid>
      <Card>
        <BlockStack gap="300">
          <SkeletonDisplayText size="small" />
          <ChartPlaceholder />
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="300">
          <SkeletonDisplayText size="small" />
          <SkeletonBodyText lines={6} />
        </BlockStack>
      </Card>
    </BlockStack>
  );
}
