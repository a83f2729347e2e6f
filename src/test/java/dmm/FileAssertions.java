package dmm;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/** Assertions on the files dmm writes, by their contents rather than their sizes. */
public final class FileAssertions {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private FileAssertions() {}

    /** The file is a PNG image (signature and a readable image) of exactly this size. */
    public static void assertPng(Path file, int width, int height) throws IOException {
        byte[] png = Files.readAllBytes(file);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length), file + ": PNG signature");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(image, file + ": a readable image");
        assertEquals(List.of(width, height), List.of(image.getWidth(), image.getHeight()), file + ": width and height");
    }
}
