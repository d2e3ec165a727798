package org.bitspike.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extra per-epoch values go into the JSON lines (not the CSV) and survive a resume. */
class MetricsLogTest {

    @Test
    void extrasAreMergedIntoEachLineAndKeptAcrossAResume(@TempDir Path dir) throws Exception {
        int[] calls = {0};
        Trainer first = TrainingFixture.trainer(dir.resolve("unused"), 2);
        MetricsLog log = new MetricsLog(dir, () -> Map.of("extra", Map.of("call", ++calls[0])));
        log.onTrainStart(first, 0, 3);
        log.onEpochEnd(first, new EpochResult(0, 1, 0.5, 1, 0.5, 0.1, 1, 10));
        log.onEpochEnd(first, new EpochResult(1, 0.9, 0.6, 0.9, 0.6, 0.1, 1, 10));
        log.onEpochEnd(first, new EpochResult(2, 0.8, 0.7, 0.8, 0.7, 0.1, 1, 10));

        MetricsLog resumed = new MetricsLog(dir, () -> Map.of("extra", Map.of("call", 100)));
        resumed.onTrainStart(first, 2, 3); // epochs 0 and 1 are kept, 2 is redone
        resumed.onEpochEnd(first, new EpochResult(2, 0.7, 0.8, 0.7, 0.8, 0.1, 1, 10));

        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        assertEquals(3, lines.size());
        int[] expectedCalls = {1, 2, 100};
        for (int i = 0; i < 3; i++) {
            JsonObject row = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals(i, row.get("epoch").getAsInt());
            assertEquals(expectedCalls[i], row.getAsJsonObject("extra").get("call").getAsInt());
        }
        List<String> csv = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(4, csv.size());
        assertFalse(csv.get(0).contains("extra"), csv.get(0));
        assertEquals("2,0.7,0.8,0.7,0.8,0.1,1.0,10.0", csv.get(3));
    }
}
