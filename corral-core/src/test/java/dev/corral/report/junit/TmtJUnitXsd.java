package dev.corral.report.junit;

import java.io.IOException;
import java.nio.file.Path;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import org.xml.sax.SAXException;

/** tmt's JUnit XSD ({@code src/test/resources/schemas/junit-tmt-default.xsd}) with the JDK's validator. */
public final class TmtJUnitXsd {
    private TmtJUnitXsd() {
    }

    /** Validates a file; throws {@link SAXException} on the first violation. */
    public static void validate(Path xml) throws IOException, SAXException {
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        factory.newSchema(TmtJUnitXsd.class.getResource("/schemas/junit-tmt-default.xsd"))
                .newValidator()
                .validate(new StreamSource(xml.toFile()));
    }
}
