package io.metacache.testkit;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes real JPEG files with EXIF: the image is encoded by {@code javax.imageio}, then an APP1
 * segment is inserted after SOI holding a big-endian TIFF structure: IFD0 with Make, Model and an
 * Exif sub-IFD pointer; the sub-IFD with DateTimeOriginal.
 */
public final class ExifJpeg {
  private ExifJpeg() {}

  /**
   * Writes a 64x48 JPEG whose colour and drawn number follow {@code seed}, with these EXIF values
   * ({@code takenAt} in EXIF form, {@code "2024:01:31 10:00:00"}; all ASCII).
   */
  public static void write(Path file, int seed, String make, String model, String takenAt) throws IOException {
    BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(seed * 40 % 256, 120, 200));
    g.fillRect(0, 0, 64, 48);
    g.setColor(Color.WHITE);
    g.drawString(Integer.toString(seed), 10, 30);
    g.dispose();
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", jpeg);
    byte[] plain = jpeg.toByteArray();
    byte[] app1 = app1(make, model, takenAt);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(plain, 0, 2); // SOI
    out.write(app1);
    out.write(plain, 2, plain.length - 2);
    Files.write(file, out.toByteArray());
  }

  private static byte[] app1(String make, String model, String takenAt) {
    byte[] mk = ascii(make);
    byte[] md = ascii(model);
    byte[] dt = ascii(takenAt);
    int ifd0 = 8;
    int ifd0Size = 2 + 3 * 12 + 4;
    int makeAt = ifd0 + ifd0Size;
    int modelAt = makeAt + mk.length;
    int subIfd = modelAt + md.length;
    int subIfdSize = 2 + 12 + 4;
    int dateAt = subIfd + subIfdSize;
    int tiffLength = dateAt + dt.length;
    ByteBuffer tiff = ByteBuffer.allocate(tiffLength); // big-endian by default
    tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(ifd0);
    tiff.putShort((short) 3);
    entry(tiff, 0x010F, 2, mk.length, makeAt);
    entry(tiff, 0x0110, 2, md.length, modelAt);
    entry(tiff, 0x8769, 4, 1, subIfd);
    tiff.putInt(0);
    tiff.put(mk).put(md);
    tiff.putShort((short) 1);
    entry(tiff, 0x9003, 2, dt.length, dateAt);
    tiff.putInt(0);
    tiff.put(dt);
    byte[] header = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
    int length = 2 + header.length + tiffLength;
    ByteBuffer seg = ByteBuffer.allocate(2 + length);
    seg.put((byte) 0xFF).put((byte) 0xE1).putShort((short) length).put(header).put(tiff.array());
    return seg.array();
  }

  private static void entry(ByteBuffer b, int tag, int type, int count, int valueOrOffset) {
    b.putShort((short) tag).putShort((short) type).putInt(count).putInt(valueOrOffset);
  }

  private static byte[] ascii(String s) {
    return (s + "\0").getBytes(StandardCharsets.US_ASCII);
  }
}
